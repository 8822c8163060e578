"""Package metadata comes from settings.ini (nbdev 2 layout); this file only reads it.

Unlike nbdev's template it does not import `pkg_resources` (deprecated, and absent from
recent setuptools).
"""
from configparser import ConfigParser
import setuptools

cfg = ConfigParser(delimiters=['='])
cfg.read('settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']

licenses = {'apache2': 'Apache-2.0'}   # SPDX expression (setuptools deprecates License :: classifiers)
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable',
            '6 - Mature', '7 - Inactive']
lic = licenses[cfg['license']]

def reqs(key): return cfg.get(key, '').split()

console_scripts = [s for s in cfg.get('console_scripts', '').split() if s]

setuptools.setup(
    name=cfg['lib_name'],
    version=cfg['version'],
    description=cfg['description'],
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    url=cfg.get('git_url') or None,
    author=cfg['author'],
    author_email=cfg['author_email'],
    license=lic,
    license_files=['LICENSE'],
    classifiers=['Development Status :: ' + statuses[int(cfg['status'])],
                 'Intended Audience :: ' + cfg['audience'],
                 'Natural Language :: ' + cfg['language'],
                 'Programming Language :: Python :: 3'],
    keywords=cfg['keywords'],
    packages=setuptools.find_packages(include=['mambaflow', 'mambaflow.*']),
    include_package_data=True,
    package_data={'mambaflow': ['weights/*.safetensors', 'weights/*.json']},
    python_requires='>=' + cfg['min_python'],
    install_requires=reqs('requirements'),
    extras_require={'dev': reqs('dev_requirements'),
                    'cuda': reqs('cuda_requirements'),
                    'lpips': reqs('lpips_requirements')},
    entry_points={'console_scripts': console_scripts, 'nbdev': [f'{cfg["lib_path"]}={cfg["lib_path"]}._modidx:d']},
    zip_safe=False,
)
