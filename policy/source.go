package policy

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// File is one named input of a load.
type File struct {
	Name string // used in error positions
	Data []byte
}

// Source reads the inputs of one load: the policy files and the entities
// file (nil when there is none: then no caller is registered). It is called
// again on every reload.
type Source interface {
	Read() (policies []File, entities *File, err error)
}

// SourceFunc adapts a function to [Source].
type SourceFunc func() ([]File, *File, error)

// Read calls f.
func (f SourceFunc) Read() ([]File, *File, error) { return f() }

// DefaultEntitiesFile is the entities file looked for in a policies directory
// when no entities file is given.
const DefaultEntitiesFile = "entities.yaml"

// FromPaths reads policies from a .cedar file or from every .cedar file under
// a directory (recursively, in name order), and entities from a YAML file.
// With entities empty and policies a directory, DIR/entities.yaml is used
// when it exists.
func FromPaths(policies, entities string) Source {
	return SourceFunc(func() ([]File, *File, error) {
		var files []File
		info, err := os.Stat(policies)
		if err != nil {
			return nil, nil, fmt.Errorf("policies: %w", err)
		}
		if info.IsDir() {
			err = filepath.WalkDir(policies, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || filepath.Ext(p) != ".cedar" {
					return err
				}
				data, err := os.ReadFile(p)
				files = append(files, File{Name: p, Data: data})
				return err
			})
			if err != nil {
				return nil, nil, fmt.Errorf("policies: %w", err)
			}
			if entities == "" {
				if _, err := os.Stat(filepath.Join(policies, DefaultEntitiesFile)); err == nil {
					entities = filepath.Join(policies, DefaultEntitiesFile)
				}
			}
		} else {
			data, err := os.ReadFile(policies)
			if err != nil {
				return nil, nil, fmt.Errorf("policies: %w", err)
			}
			files = append(files, File{Name: policies, Data: data})
		}
		if entities == "" {
			return files, nil, nil
		}
		data, err := os.ReadFile(entities)
		if err != nil {
			return nil, nil, fmt.Errorf("entities: %w", err)
		}
		return files, &File{Name: entities, Data: data}, nil
	})
}

// FromFS reads every .cedar file of dir in fsys (recursively, in name order)
// and, when entities is not empty, the entities file at that path of fsys.
// Error positions name files as dir/name. Use it with an embed.FS.
func FromFS(fsys fs.FS, dir, entities string) Source {
	return SourceFunc(func() ([]File, *File, error) {
		var files []File
		err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || path.Ext(p) != ".cedar" {
				return err
			}
			data, err := fs.ReadFile(fsys, p)
			files = append(files, File{Name: p, Data: data})
			return err
		})
		if err != nil {
			return nil, nil, fmt.Errorf("policies: %w", err)
		}
		if entities == "" {
			return files, nil, nil
		}
		data, err := fs.ReadFile(fsys, entities)
		if err != nil {
			return nil, nil, fmt.Errorf("entities: %w", err)
		}
		return files, &File{Name: entities, Data: data}, nil
	})
}

// FromFiles is a fixed Source, mostly for tests.
func FromFiles(policies []File, entities *File) Source {
	return SourceFunc(func() ([]File, *File, error) {
		return slices.Clone(policies), entities, nil
	})
}

// sortFiles orders files by name so loads are deterministic.
func sortFiles(files []File) {
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
}
